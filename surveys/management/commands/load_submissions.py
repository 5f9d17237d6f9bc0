import os

from django.core.management.base import BaseCommand, CommandError

from surveys.load import WORKLOAD, run

DEFAULT_BROKER = "redis://127.0.0.1:6379/13"


def _triple(ms: dict) -> str:
    return " / ".join(f"{ms[q]:.0f}" for q in (50, 95, 99))


class Command(BaseCommand):
    help = (
        "Load test: 300 partners each go through the whole respondent journey over HTTP within "
        "about a minute, against gunicorn, PostgreSQL and a Celery worker on 127.0.0.1; then "
        "checks every acknowledged submission is stored once and every scorecard matches a "
        "fresh recomputation. Exits non-zero if any check fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=30, help="concurrent clients")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument(
            "--ramp", type=float, default=42.0, help="seconds over which partners arrive"
        )
        parser.add_argument("--think-min", type=float, default=0.1)
        parser.add_argument("--think-max", type=float, default=0.5)
        parser.add_argument(
            "--time-limit", type=float, default=120.0, help="hard stop for the clients, seconds"
        )
        parser.add_argument(
            "--double-press", type=float, default=0.1, help="share who press submit twice"
        )
        parser.add_argument(
            "--revisit", type=float, default=0.1, help="share who change a page before submitting"
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        env = {
            **os.environ,
            "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER),
            "SCORING_DELAY_SECONDS": os.environ.get("SCORING_DELAY_SECONDS", "1"),
            "RELIABILITY_DELAY_SECONDS": os.environ.get("RELIABILITY_DELAY_SECONDS", "1"),
        }
        think = (options["think_min"], options["think_max"])
        r = run(
            clients=options["clients"],
            workers=options["workers"],
            ramp=options["ramp"],
            think=think,
            time_limit=options["time_limit"],
            double_press_rate=options["double_press"],
            revisit_rate=options["revisit"],
            seed=options["seed"],
            env=env,
        )
        stored, cards = r["stored"], r["scorecards"]
        anonymous = sum(1 for plan in WORKLOAD if plan.anonymous_k)
        w = self.stdout.write
        w("")
        w("Load test: the whole respondent journey")
        w(
            f"workload: {r['partners']} partners in {r['rounds']} rounds ({anonymous} anonymous) "
            f"of {r['authorities']} authorities; each opens the invitation link, consents, reads "
            f"and posts the 9 section pages (36 Likert items, a ranking of 8 outcomes, a choice, "
            f"3 comments), checks the answers and submits; {options['revisit']:.0%} change a page "
            f"from check-your-answers, {options['double_press']:.0%} press submit twice at once. "
            f"{r['clients']} concurrent clients, arrivals spread over {options['ramp']:.0f} s, "
            f"{think[0]}-{think[1]} s think time before each form post; gunicorn with "
            f"{r['workers']} workers, PostgreSQL and a Celery worker on Redis, all on 127.0.0.1."
        )
        yes = {True: "yes", False: "NO"}
        rows = [
            ("partners acknowledged / planned", f"{r['acknowledged']} / {r['partners']}"),
            ("journeys finished (done page shown)", str(r["finished"])),
            ("rounds / authorities", f"{r['rounds']} / {r['authorities']}"),
            ("concurrent clients / gunicorn workers", f"{r['clients']} / {r['workers']}"),
            ("wall time (s)", f"{r['wall_s']:.1f}"),
            ("machine load average before the run", f"{r['load_before']:.1f}"),
            ("requests", str(r["requests"])),
            ("submissions per second", f"{r['submissions_per_s']:.2f}"),
            ("pages (requests) per second", f"{r['pages_per_s']:.1f}"),
            ("submit p50 / p95 / p99 (ms)", _triple(r["submit_ms"])),
            ("all requests p50 / p95 / p99 (ms)", _triple(r["all_ms"])),
            ("failed requests (no answer or not 2xx/3xx)", str(r["failed_requests"])),
            ("unexpected answers (form refused, wrong page)", str(r["unexpected"])),
            ("double presses / pages changed", f"{r['double_presses']} / {r['revisits']}"),
            ("submitted responses stored", str(stored["submitted"])),
            ("answers posted / stored", f"{stored['answers_posted']} / {stored['answers_stored']}"),
            ("every acknowledged submission stored once", yes[stored["ok"]]),
            ("scoring caught up within 60 s", yes[r["scored_in_time"]]),
            ("scorecards computed (coalesced)", str(cards["computed"])),
            ("scorecards matching a recomputation", f"{cards['matching']} / {cards['rounds']}"),
        ]  # fmt: skip
        width = max(len(name) for name, _value in rows) + 2
        for name, value in rows:
            w(f"{name:<{width}}{value:>14}")
        w("")
        w(f"{'request':<14}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
        for step, (count, p50, p95, p99) in r["steps"].items():
            w(f"{step:<14}{count:>8}{p50:>10.0f}{p95:>10.0f}{p99:>10.0f}")

        problems = []
        if r["finished"] != r["partners"]:
            problems.append(f"{r['partners'] - r['finished']} journeys did not finish")
        if r["failed_requests"] or r["unexpected"]:
            problems.append("some requests failed or were answered unexpectedly")
        if not stored["ok"]:
            problems.append(
                f"stored submissions differ: {stored['missing']} missing, "
                f"{stored['unacknowledged']} not acknowledged, {stored['duplicates']} duplicated, "
                f"{stored['mismatched']} with other answers than posted"
            )
        if not r["scored_in_time"] or cards["matching"] != cards["rounds"]:
            problems.append("some scorecards do not match a fresh recomputation")
        for reason in r["stopped"]:
            w(f"stopped journey: {reason}")
        if problems:
            raise CommandError("; ".join(problems))
        w("")
        w("All checks passed.")

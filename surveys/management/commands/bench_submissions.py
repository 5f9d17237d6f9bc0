from django.core.management.base import BaseCommand

from surveys.bench import run


class Command(BaseCommand):
    help = (
        "Benchmark: complete questionnaires submitted by concurrent clients against gunicorn, "
        "PostgreSQL and a Celery worker on 127.0.0.1 (bounded in count and time)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--submissions", type=int, default=1500)
        parser.add_argument("--clients", type=int, default=20)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--time-limit", type=float, default=60.0)
        parser.add_argument(
            "--rate",
            type=float,
            default=75.0,
            help="offered submissions per second across all clients; 0 sends flat out",
        )

    def handle(self, *args, submissions, clients, workers, time_limit, rate, **options):
        r = run(
            submissions=submissions,
            clients=clients,
            workers=workers,
            time_limit=time_limit,
            rate=rate,
            out=self.stdout,
        )
        w = self.stdout.write
        w("")
        w("Questionnaire submissions")
        w(
            f"workload: {r['submissions']} complete questionnaires (36 Likert answers, a ranking "
            f"of 8, one choice) submitted by {r['clients']} concurrent clients; gunicorn with "
            f"{r['gunicorn_workers']} workers, PostgreSQL and a Celery worker on Redis, 127.0.0.1; "
            + (
                f"offered load {r['offered_rate']:.0f} per second"
                if r["offered_rate"]
                else "clients send flat out"
            )
        )
        w(f"{'figure':<44}{'value':>12}{'target':>12}")
        rows = [
            ("submissions per second", f"{r['per_second']:.1f}", ">= 70"),
            ("p50 latency of the submit request (ms)", f"{r['p50_ms']:.1f}", ""),
            ("p95 latency of the submit request (ms)", f"{r['p95_ms']:.1f}", "< 100"),
            ("failed requests", str(r["failures"]), "0"),
            ("every acknowledged submission stored once", str(r["stored_once"]), "True"),
            ("second presses answered without a duplicate", str(r["repeats_harmless"]), ""),
            ("scorecards computed (coalesced)", str(r["scorecards"]), "few"),
            ("submissions seen by the last scorecard", str(r["last_scorecard_saw"]), "all"),
        ]
        for name, value, target in rows:
            w(f"{name:<44}{value:>12}{target:>12}")

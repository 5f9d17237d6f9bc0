from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.instrument_loader import (
    InstrumentDefinitionError,
    instrument_load,
    instrument_load_all,
)


class Command(BaseCommand):
    help = "Load questionnaire versions from surveys/instruments/*.yaml (or the given files)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path)

    def handle(self, *args, paths, **options):
        try:
            results = [instrument_load(path=p) for p in paths] if paths else instrument_load_all()
        except InstrumentDefinitionError as exc:
            raise CommandError(str(exc)) from exc
        for instrument, outcome in results:
            self.stdout.write(f"{instrument.label}: {outcome}")

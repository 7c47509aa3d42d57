from django.core.management.base import BaseCommand

from cases import reminders


class Command(BaseCommand):
    help = (
        "Close sessions whose deadline has passed, remind executives who have not voted on "
        "every direction, tell coordinators of review dates reached, and send (or retry) the "
        "e-mail that is due. Safe to run as often as you like (e.g. from cron every few "
        "minutes): each reminder is sent once. With --schedule, put the same run on the task "
        "queue instead, where the worker (manage.py db_worker) repeats it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="enqueue the repeating run for the worker instead of running now",
        )

    def handle(self, *args, schedule, **options):
        if schedule:
            if reminders.schedule_reminders():
                self.stdout.write("The reminder run is on the task queue.")
            else:
                self.stdout.write("The reminder run was already on the task queue.")
            return
        counts = reminders.run()
        self.stdout.write(
            "Sessions closed: {closed}; reminders: {reminders}; review dates: {review_dates}; "
            "mail sent: {sent}, to retry: {retry}, failed: {failed}.".format(**counts)
        )

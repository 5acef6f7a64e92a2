from notifier.cli import app

app()

from django.core.management.commands import shell


class Command(shell.Command):
    """Django's shell, without trying to auto-import django-simple-history's models.

    Those are generated at run time and cannot be imported by path, so the stock
    shell warns about each of them on every start. Reach them as Model.history.
    """

    def get_auto_imports(self):
        return [path for path in super().get_auto_imports() if ".Historical" not in path]

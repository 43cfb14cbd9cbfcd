"""A full or a read-only disk, simulated for the workspace's tests: os calls that refuse the
paths inside one folder (the tests may run as root, whom chmod would not stop from writing)."""
import os


def refuse(monkeypatch, name, code, inside):
    """os.<name> raises OSError(code) for paths inside the folder `inside` (for os.replace, the target)."""
    real = getattr(os, name)

    def refusing(*args, **kwargs):
        target = args[1] if name == "replace" else args[0]
        if isinstance(target, (str, os.PathLike)) and str(target).startswith(str(inside)):
            raise OSError(code, os.strerror(code), str(target))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, refusing)

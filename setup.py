"""Build hook: ship the top-level ``resources/`` folder inside the wheel as ``orca_desk/resources``.

Everything else is configured in pyproject.toml. In a checkout (and an editable install) the
app reads ``resources/`` beside the package; installed from a wheel it reads the copy this
hook puts in the package (``orca_desk.paths.resources_dir`` looks in both places).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            source = Path(__file__).resolve().parent / "resources"
            shutil.copytree(source, Path(self.build_lib) / "orca_desk" / "resources", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithResources})

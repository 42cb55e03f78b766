"""The Spark session of ``--engine spark``: made here, or passed in through the Python API.

pyspark is the optional extra ``bansos-cli[spark]`` and needs Java (17 or later). A session
made here runs on ``--spark-master`` (default ``local[*]``: every core of this machine; a
cluster URL such as ``spark://host:7077`` or ``yarn`` runs on a cluster) with the settings of
:data:`SESSION_CONF`; a session passed to ``api.check(..., spark=session)`` is used as it is
(on Databricks, EMR or Dataproc: the session the platform gives). See docs/scale.md.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from bansos_cli.core.errors import OptionError

DEFAULT_MASTER = "local[*]"
SESSION_CONF: dict[str, str] = {
    "spark.app.name": "bansos",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # a local session shuffles a few partitions, not the 200 meant for a cluster
    "spark.sql.shuffle.partitions": "8",
}
"""Settings of a session bansos makes (never applied to a session passed in)."""


def java() -> str | None:
    """The Java runtime pyspark starts: ``$JAVA_HOME/bin/java``, else ``java`` on the PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        path = Path(home) / "bin" / "java"
        return str(path) if os.access(path, os.X_OK) else None
    return shutil.which("java")


def spark_session(master: str = DEFAULT_MASTER) -> Any:
    """A Spark session on ``master`` (an existing one when the process has it), quiet: no
    web UI, no progress bars, errors only in the log."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise OptionError.of("ENGINE_NOT_INSTALLED", engine="spark", extra="spark") from None
    if java() is None:  # before pyspark's launcher prints its own lines about it
        raise OptionError.of("SPARK_NO_JAVA", java_home=os.environ.get("JAVA_HOME") or "-")
    builder = SparkSession.builder.master(master)
    for key, value in SESSION_CONF.items():
        builder = builder.config(key, value)
    # the driver's JVM is started with bansos's logging (errors only): read before it logs
    logging = resources.files("bansos_cli.data") / "spark" / "log4j2.properties"
    builder = builder.config(
        "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{logging}"
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # no Java, a bad master URL: the JVM's words, one line
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise OptionError.of("SPARK_START_FAILED", master=master, reason=reason[:200]) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


__all__ = ["DEFAULT_MASTER", "SESSION_CONF", "spark_session"]

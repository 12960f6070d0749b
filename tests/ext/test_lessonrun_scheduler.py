"""lessonrun's scheduler shape (hpccourse.lessonrun.scheduler): which partitions, GPU
types, features, CPUs and memory a cluster's Slurm declares, read from the Slurm options
of its steps and facts; and that a lesson's text never writes a line of slurm.conf."""

from __future__ import annotations

from pathlib import Path

from hpccourse.lessonrun.scheduler import scheduler_shape
from hpccourse.lessonrun.slurm import node_conf

SCRIPT = """cat > job.sh <<'EOF'
#!/bin/bash
#SBATCH -A proj-1
#SBATCH -p shared -n 1
#SBATCH --gres=gpu:a100:2
#SBATCH --mem=4G
mkdir -p out && python -p not-a-partition
EOF"""


def test_partitions_from_commands_and_job_scripts():
    shape = scheduler_shape(
        [SCRIPT, "sbatch --partition=main,long -A x job.sh", "srun -pdebug hostname"],
        ["-N 1 --ntasks-per-node=1 -p gpu"],
    )
    assert shape.partitions == ["shared", "main", "long", "debug", "gpu"]


def test_words_that_are_no_slurm_option_name_nothing():
    shape = scheduler_shape(
        [
            "mkdir -p results",
            "python run.py -p 3",
            "sbatch job.sh -p inside-the-script-arguments",
            "echo sbatch -p echoed",
            "sbatch --wrap 'srun -p quoted'",
        ],
        ["/proj/course", "not given by the course's sources"],
    )
    assert shape.partitions == []
    assert shape.gres == {} and shape.features == []


def test_gpu_types_counts_and_features():
    shape = scheduler_shape(
        [SCRIPT, "sbatch --gpus-per-node=T4:1 job.sh", "salloc -G 3"],
        ["--gpus=1 -C 'l40s&fat'", "-n 2 -c 16 --gpus-per-task=1"],
    )
    assert shape.gres == {"gpu": {"a100": 2, "T4": 1, "": 3}}
    assert shape.features == ["l40s", "fat"]
    assert shape.cpus == 32
    assert shape.memory_mb == 4096
    # an untyped request is met by the typed GPUs: the first type gets what they lack
    assert shape.node_gres() == [("gpu", "a100", 2), ("gpu", "T4", 1)]


def test_node_conf_declares_them(tmp_path: Path):
    shape = scheduler_shape([SCRIPT], ["-p alvis --gpus-per-node=T4:1"])
    slurm_conf, gres_conf, files = node_conf("gamma", "batch", shape, tmp_path)
    lines = slurm_conf.splitlines()
    assert lines[0] == "GresTypes=gpu"
    assert "Gres=gpu:a100:2,gpu:T4:1" in lines[1].split()
    assert [line.split()[0] for line in lines[2:]] == [
        "PartitionName=batch",
        "PartitionName=shared",
        "PartitionName=alvis",
    ]
    assert [line for line in lines if "Default=YES" in line] == [lines[2]]
    assert files == 3
    assert gres_conf.splitlines()[1:] == [
        "AutoDetect=off",
        f"NodeName=gamma Name=gpu Type=a100 File={tmp_path}/gpu0",
        f"NodeName=gamma Name=gpu Type=a100 File={tmp_path}/gpu1",
        f"NodeName=gamma Name=gpu Type=T4 File={tmp_path}/gpu2",
    ]


def test_no_request_keeps_the_default_shape(tmp_path: Path):
    slurm_conf, gres_conf, files = node_conf("alpha", "batch", scheduler_shape([]), tmp_path)
    assert "Gres" not in slurm_conf and files == 0
    assert gres_conf.splitlines()[1:] == ["AutoDetect=off"]


def test_a_hostile_name_writes_no_line(tmp_path: Path):
    """Root's daemons read the configuration: a name that is not a plain name (a newline,
    '=', a space, a quote) is not declared, and Slurm refuses that job as it would."""
    shape = scheduler_shape(
        [
            "sbatch -p $'x\\nSlurmctldProlog=/tmp/evil' job.sh",
            "sbatch --partition='a b' job.sh",
            "sbatch -p 'x Default=YES' job.sh",
            "sbatch --gres=gpu:'t\nPrologFlags=x':1 job.sh",
            "sbatch --gpus-per-node=$'T4\\nEpilog=/tmp/e':1 job.sh",
            "sbatch -C 'a\nb=c' -G 99999 -c 100000 --mem=99999999T job.sh",
        ]
    )
    slurm_conf, gres_conf, files = node_conf("n", "batch", shape, tmp_path)
    for text in (slurm_conf, gres_conf):
        for line in text.splitlines():
            assert line.split("=", 1)[0] in (
                "#", "GresTypes", "NodeName", "PartitionName", "AutoDetect",
            ) or line.startswith("#"), line  # fmt: skip
            assert "Prolog" not in line and "Epilog" not in line, line
    assert shape.partitions == [] and files <= 64 and shape.cpus <= 1024


def test_names_and_counts_are_bounded(tmp_path: Path):
    many = " ".join(f"-p p{i} --gpus-per-node=t{i}:64 -C f{i}" for i in range(500))
    shape = scheduler_shape([f"sbatch {many} job.sh"])
    assert len(shape.partitions) == len(shape.features) == 32
    assert len(shape.gres["gpu"]) == 32
    _slurm, _gres, files = node_conf("n", "batch", shape, tmp_path)
    assert files == 32 * 64

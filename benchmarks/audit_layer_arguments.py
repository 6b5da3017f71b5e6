"""Audits swiftdl.keras.layers constructors against real Keras 3's (issue: every argument value
Keras accepts should work here). Keras's side is recorded by
Tests/python/fixtures/keras_layer_arguments/make_keras_signatures.py; this script, run with
swiftdl, prints for every class both have: parameters swiftdl lacks, parameters only swiftdl
has, defaults that differ, and the probe cases (Keras-accepted argument values, from
make_keras_argument_probes.py) that swiftdl refuses.

    PYTHONPATH=python python benchmarks/audit_layer_arguments.py [--summary]
"""
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "python", "fixtures", "keras_layer_arguments")
sys.path.insert(0, FIXTURES)
from make_keras_argument_probes import PROBES, run  # noqa: E402
from make_keras_signatures import accepted_parameters  # noqa: E402


# Keywords swiftdl's Layer.__init__ pops from **kwargs, as Keras's does.
LAYER_KWARGS = ("autocast", "input_shape", "batch_input_shape", "input_dim", "batch_size")


def spelled_alike(keras_default, our_default):
    """True for 1 against (1, 1): the same value, normalised alike by both."""
    try:
        ours, theirs = eval(our_default), eval(keras_default)  # noqa: S307 — reprs we recorded
    except Exception:  # noqa: BLE001
        return False
    return isinstance(ours, int) and isinstance(theirs, tuple) and set(theirs) == {ours}


def signature_findings(keras_layers, layers):
    """(missing, extra, different defaults): lists of (class, parameter, detail)."""
    missing, extra, defaults = [], [], []
    for name, keras_parameters in sorted(keras_layers.items()):
        cls = getattr(layers, name, None)
        if not isinstance(cls, type):
            continue
        ours = accepted_parameters(cls, implicit=LAYER_KWARGS)
        for parameter, default in keras_parameters.items():
            if parameter in ("*", "**"):
                continue
            theirs = "required" if default is None else default
            if parameter not in ours:
                missing.append((name, parameter, f"Keras default {theirs}"))
            elif "implicit" not in (default, ours[parameter]) and ours[parameter] != default \
                    and not spelled_alike(default, ours[parameter]):
                mine = "required" if ours[parameter] is None else ours[parameter]
                defaults.append((name, parameter, f"Keras {theirs}, swiftdl {mine}"))
        extra += [(name, parameter, "") for parameter in ours
                  if parameter not in keras_parameters and parameter not in ("*", "**") + LAYER_KWARGS]
    return missing, extra, defaults


def keras_accepted():
    """{probe name: backends whose Keras accepts it}, from the recorded results."""
    accepted = {}
    for backend in ("jax", "tensorflow"):
        with open(os.path.join(FIXTURES, f"keras_probe_results_{backend}.json")) as f:
            for name, result in json.load(f)["results"].items():
                if result == "accepted":
                    accepted.setdefault(name, []).append(backend)
    return accepted


def refused_probes(layers, accepted):
    """[(probe name, error)] for the Keras-accepted cases swiftdl refuses or crashes on."""
    refused = []
    for name, (cls, arguments, shape) in sorted(PROBES.items()):
        if name not in accepted:
            continue
        try:
            run(layers, cls, arguments, shape)
        except Exception as error:  # noqa: BLE001 — any failure is a finding
            backends = "" if len(accepted[name]) == 2 else f" (Keras accepts on {accepted[name][0]} only)"
            refused.append((name, f"{type(error).__name__}: {str(error)[:110]}{backends}"))
    return refused


def main():
    from swiftdl.keras import layers
    with open(os.path.join(FIXTURES, "keras_signatures.json")) as f:
        recorded = json.load(f)
    keras_layers = recorded["layers"]
    shared = [name for name in keras_layers if isinstance(getattr(layers, name, None), type)]
    absent = sorted(set(keras_layers) - set(shared))
    missing, extra, defaults = signature_findings(keras_layers, layers)
    accepted = keras_accepted()
    refused = refused_probes(layers, accepted)
    print(f"Keras {recorded['keras_version']}: {len(keras_layers)} layer classes, {len(shared)} in swiftdl")
    print(f"absent classes ({len(absent)}): {', '.join(absent)}")
    summary = "--summary" in sys.argv
    for title, rows in (("missing parameters", missing), ("different defaults", defaults),
                        ("parameters only swiftdl has", extra)):
        print(f"\n{title}: {len(rows)} in {len({row[0] for row in rows})} classes")
        for row in [] if summary else rows:
            print(f"  {row[0]}.{row[1]}  {row[2]}")
    print(f"\nrefused Keras-accepted values: {len(refused)} of {len(accepted)} probes")
    for name, error in [] if summary else refused:
        print(f"  {name}: {error}")


if __name__ == "__main__":
    np.random.seed(0)
    main()

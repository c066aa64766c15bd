"""Bluetooth beacons: the beacon model, positioning from BLE scans, landmarks.

A library without Flask: ``lotse`` wires it into the service.

Modules
-------
ids
    ``normalize_beacon_id`` / ``parse_beacon_id``: ``ibeacon:UUID:MAJOR:MINOR``,
    ``eddystone:NAMESPACE:INSTANCE`` or a free string; ``BeaconIdError``.
model
    ``Beacon`` (position, level, tx_power, path_loss_exponent, kind, labels,
    operational fields) with ``errors()``/``validate()``/``to_dict()``/``from_dict()``.
positioning
    ``locate(readings, beacons, gps=None, *, params=None) -> Fix`` - what
    ``POST /api/v1/locate`` calls - and ``locate_many(scans, ...)`` for a few
    consecutive scans; ``BeaconIndex`` (build once per registry version);
    ``PositioningError`` / ``NoPositionError`` (both ``ValueError``).
estimators, params
    The estimators in a local metric frame (likelihood grid, weighted
    centroid, proximity) and their settings, ``PositioningParams``.
scan_offsets
    What all readings of one scan share (the phone's gain, the direction
    effect of how it is carried), integrated out in closed form.
calibration
    ``calibrate(labelled_scans, beacons, ...) -> Calibration``: fits
    tx_power / path-loss exponent / noise / accuracy scales from a survey;
    ``Calibration.apply(beacons)`` and ``Calibration.params()`` feed them back;
    with ``radio_map=True`` also a ``RadioMap`` (pass it to ``locate``);
    ``read_survey(csv)`` reads labelled scans.
radiomap
    ``RadioMap``: per beacon, where the path-loss model is wrong, learnt over
    the surveyed places (Gaussian-process residual fields); ``fit_radio_map``.

Measured on real BLE data with ``bench/bench_positioning.py``.
"""

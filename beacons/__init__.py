"""Bluetooth beacons: the beacon model, positioning from BLE scans, landmarks.

A library without Flask: ``lotse`` wires it into the service.
"""

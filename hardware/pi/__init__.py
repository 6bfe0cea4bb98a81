"""Adapters for the real Raspberry Pi hardware.

Vendor libraries (picamera2, gpiozero, sounddevice) are imported inside the
adapters' constructors, never at import time, so this package imports anywhere.
"""

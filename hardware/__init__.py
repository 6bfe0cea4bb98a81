"""Pocket Companion's hardware-abstraction layer: ports, Pi adapters and fakes."""

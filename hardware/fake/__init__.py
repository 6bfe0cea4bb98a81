"""Fake hardware: the same ports, driven by files and scripts, for laptops and CI."""

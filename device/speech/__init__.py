"""Speech in (recognisers) and speech out (synthesisers)."""

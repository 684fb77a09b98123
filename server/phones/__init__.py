"""What phones send and receive: push, pull, bundles, inspection content, evidence flags."""

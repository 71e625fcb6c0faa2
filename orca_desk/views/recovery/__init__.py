"""The Recovery screen: missed visits being followed up, at-risk patients, recovery metrics."""

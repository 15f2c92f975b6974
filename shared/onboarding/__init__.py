"""The onboarding wizard's progress: the contract's steps, persisted per community."""

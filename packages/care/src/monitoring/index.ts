/** Remote monitoring (virtual wards, decision 0016): re-exports only. */
export {};

/** Video consultations (decision 0015): the Encounter of a video appointment, re-exports only. */
export {};

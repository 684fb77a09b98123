"""Running the competition: places, rounds and assignments, users and devices, rubric versions."""

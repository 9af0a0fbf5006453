namespace Rebel.SelfPlay.Training;

/// <summary>What a checkpoint records besides the policy and optimizer: where the run is and its random state.</summary>
/// <param name="Iteration">The last completed iteration.</param>
/// <param name="Rng">The run's generator state after that iteration.</param>
/// <param name="MagnetIteration">The iteration at which the magnet π_mag was last reset (0 = the reference).</param>
internal sealed record TrainerState(int Iteration, Rebel.Tensors.RngState Rng, int MagnetIteration);

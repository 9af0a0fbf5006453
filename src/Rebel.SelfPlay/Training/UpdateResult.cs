namespace Rebel.SelfPlay.Training;

/// <summary>The update phase's result: how the E epochs of minibatch steps that made π_{t+1} went.</summary>
/// <param name="MeanLoss">The loss averaged over the optimizer steps.</param>
/// <param name="RSquared">R² of REBEL's regression after the updates, over all pairs of the iteration.</param>
/// <param name="MeanGradNorm">The gradient's global norm (before clipping), averaged over the steps.</param>
/// <param name="Steps">Optimizer steps taken.</param>
internal sealed record UpdateResult(double MeanLoss, double RSquared, double MeanGradNorm, int Steps);

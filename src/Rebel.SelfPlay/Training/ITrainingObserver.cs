namespace Rebel.SelfPlay.Training;

/// <summary>Receives a run's progress (the CLI shows it as a live display or as plain lines).</summary>
public interface ITrainingObserver
{
    /// <summary>The run starts (or resumes) at <paramref name="firstIteration"/> of <paramref name="iterations"/>.</summary>
    void OnStart(int firstIteration, int iterations);

    /// <summary>Iteration <paramref name="iteration"/> entered <paramref name="phase"/> (generate, score, judge, train, checkpoint, eval).</summary>
    void OnPhase(int iteration, string phase);

    /// <summary>Iteration <paramref name="iteration"/> finished with these metrics (the same as its metrics.jsonl line).</summary>
    void OnIteration(int iteration, IReadOnlyDictionary<string, double> metrics);
}

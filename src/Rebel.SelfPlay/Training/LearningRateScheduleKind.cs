namespace Rebel.SelfPlay.Training;

/// <summary>The learning-rate schedule over all optimizer steps of a run (after linear warmup).</summary>
public enum LearningRateScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant,

    /// <summary>Linear decay from the base rate to zero.</summary>
    Linear,

    /// <summary>Half-cosine decay from the base rate to zero.</summary>
    Cosine,
}

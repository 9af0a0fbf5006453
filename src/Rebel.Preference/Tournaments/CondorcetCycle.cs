namespace Rebel.Preference.Tournaments;

/// <summary>A 3-cycle of strict majorities: First beats Second, Second beats Third, Third beats First (win rate &gt; ½).</summary>
public sealed record CondorcetCycle(int First, int Second, int Third);

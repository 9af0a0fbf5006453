using Rebel.Preference.Data;
using Rebel.Tensors;

namespace Rebel.Preference.Tests.Training;

/// <summary>
/// A synthetic rock–paper–scissors preference dataset: completions drawn from three word families A, B, C with
/// A ≻ B, B ≻ C and C ≻ A for every prompt. No scalar reward orders all three, so a Bradley–Terry model is right on
/// at most two of every three pairs.
/// </summary>
internal static class CyclicPreferenceData
{
    private static readonly string[][] Families =
    [
        ["river", "stone", "cloud", "forest", "meadow", "valley", "ocean", "mountain"],
        ["engine", "gear", "piston", "lever", "bolt", "wire", "circuit", "motor"],
        ["violin", "melody", "rhythm", "chorus", "drum", "harmony", "tempo", "song"],
    ];

    private static readonly string[] Topics = ["tell", "me", "about", "write", "something", "please", "describe", "story", "today", "short"];

    /// <summary>Three records (A ≻ B, B ≻ C, C ≻ A) per prompt, in random positions (p = 1 or p = 0).</summary>
    public static List<PreferenceRecord> Generate(int prompts, ulong seed)
    {
        var rng = new Rng(seed);
        var records = new List<PreferenceRecord>();
        for (int n = 0; n < prompts; n++)
        {
            string prompt = $"prompt {n}: {Pick(rng, Topics)} {Pick(rng, Topics)} {Pick(rng, Topics)}";
            var y = new string[3];
            for (int f = 0; f < 3; f++) y[f] = string.Join(' ', Enumerable.Range(0, 4 + rng.NextInt(5)).Select(_ => Pick(rng, Families[f])));
            for (int f = 0; f < 3; f++)
            {
                string winner = y[f], loser = y[(f + 1) % 3];
                records.Add(rng.NextDouble() < 0.5 ? new PreferenceRecord(prompt, winner, loser, 1.0) : new PreferenceRecord(prompt, loser, winner, 0.0));
            }
        }
        return records;
    }

    private static string Pick(Rng rng, string[] words) => words[rng.NextInt(words.Length)];
}

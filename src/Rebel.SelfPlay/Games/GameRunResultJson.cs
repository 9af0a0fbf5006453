using Rebel.Models.Data;
using System.Text;
using System.Text.Json;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// Writes a <see cref="GameRunResult"/> in the <c>rebel game</c> output contract: <c>policy</c> (last iterate, one
/// probability per action in the game's order), <c>average_policy</c>, <c>exploitability</c> (of the last
/// iterate), <c>history</c> (per logged iteration), plus the game, actions, algorithm, options and timing.
/// </summary>
public static class GameRunResultJson
{
    /// <summary>The JSON text (indented) of <paramref name="result"/>; <paramref name="extra"/> adds top-level numbers or arrays.</summary>
    public static string Serialize(GameRunResult result, IReadOnlyDictionary<string, double[]>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("game", result.Game);
            w.WriteString("algorithm", result.Algorithm);
            w.WriteString("mode", result.Run.IsSampled ? "sampled" : "exact");
            w.WriteNumber("iterations", result.Run.Iterations);
            if (result.Run.Samples is { } s) w.WriteNumber("samples", s); else w.WriteNull("samples");
            w.WriteNumber("seed", result.Run.Seed);
            w.WriteStartArray("actions");
            foreach (var a in result.Actions) w.WriteStringValue(a);
            w.WriteEndArray();
            WriteArray(w, "policy", result.Policy);
            WriteArray(w, "average_policy", result.AveragePolicy);
            w.WriteNumber("exploitability", result.Exploitability);
            w.WriteNumber("average_exploitability", result.AverageExploitability);
            if (extra is not null)
                foreach (var (key, values) in extra)
                    if (values.Length == 1) w.WriteNumber(key, values[0]); else WriteArray(w, key, values);
            w.WriteStartObject("options");
            w.WriteNumber("eta", result.Options.Eta);
            w.WriteNumber("beta", result.Options.Beta);
            w.WriteNumber("magnet_interval", result.Options.MagnetInterval);
            w.WriteNumber("magnet_mixing", result.Options.MagnetMixing);
            w.WriteNumber("epochs", result.Options.Epochs);
            w.WriteNumber("learning_rate", result.Options.LearningRate);
            w.WriteNumber("init_scale", result.Run.InitialScale);
            w.WriteString("reference", result.Run.Reference.Text);
            w.WriteEndObject();
            w.WriteNumber("seconds", Math.Round(result.Seconds, 3));
            w.WriteStartArray("history");
            foreach (var entry in result.History)
            {
                w.WriteStartObject();
                w.WriteNumber("iteration", entry.Iteration);
                w.WriteNumber("exploitability", entry.Exploitability);
                w.WriteNumber("average_exploitability", entry.AverageExploitability);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the JSON to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Write(GameRunResult result, string path, IReadOnlyDictionary<string, double[]>? extra = null) =>
        AtomicFile.WriteAllText(path, Serialize(result, extra) + "\n");

    private static void WriteArray(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}

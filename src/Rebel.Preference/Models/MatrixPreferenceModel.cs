using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.Preference.Models;

/// <summary>
/// A preference model over a finite action set: completions are action names and
/// P(a ≻ b | x) = P_ab from a <see cref="PreferenceMatrix"/>, whatever the prompt x. Used by games and tests.
/// </summary>
/// <remarks>
/// Stored as the game JSON of the design notes:
/// <c>{"name": "rps", "actions": ["rock", "paper", "scissors"], "preference": [[0.5, 0, 1], [1, 0.5, 0], [0, 1, 0.5]]}</c>.
/// </remarks>
public sealed class MatrixPreferenceModel : IPreferenceModel
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Wraps a preference matrix under a name.</summary>
    public MatrixPreferenceModel(string name, PreferenceMatrix matrix)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(matrix);
        Name = name;
        Matrix = matrix;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < matrix.Count; i++) _index[matrix.Actions[i]] = i;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The preference matrix P, P_ij = P(action i ≻ action j).</summary>
    public PreferenceMatrix Matrix { get; }

    /// <summary>P_ab for each comparison (a, b name actions; the prompt is ignored).</summary>
    /// <exception cref="ArgumentException">A completion is not one of the actions; the message names the
    /// comparison's index, the completion and the known actions.</exception>
    public double[] PreferenceProbabilities(IReadOnlyList<Comparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        var result = new double[comparisons.Count];
        for (int k = 0; k < comparisons.Count; k++)
            result[k] = Matrix[IndexOf(comparisons[k].A, k), IndexOf(comparisons[k].B, k)];
        return result;
    }

    private int IndexOf(string completion, int k) =>
        _index.TryGetValue(completion, out int i)
            ? i
            : throw new ArgumentException(
                $"comparison {k}: completion \"{completion}\" is not an action of \"{Name}\" (actions: {string.Join(", ", Matrix.Actions)})");

    /// <summary>Writes the game JSON atomically (temporary file beside it, flushed, then renamed).</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("name", Name);
                w.WriteStartArray("actions");
                foreach (var a in Matrix.Actions) w.WriteStringValue(a);
                w.WriteEndArray();
                w.WriteStartArray("preference");
                for (int i = 0; i < Matrix.Count; i++)
                {
                    w.WriteStartArray();
                    for (int j = 0; j < Matrix.Count; j++) w.WriteNumberValue(Matrix[i, j]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>Reads a game JSON file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not valid JSON, lacks a field, has a field of the wrong
    /// type, a ragged or non-square matrix, or a matrix that is not a preference matrix (the message says which).</exception>
    public static MatrixPreferenceModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, (int)(e.LineNumber ?? -1) + 1, $"not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Problem(path, $"expected a JSON object, found {root.ValueKind}");
            string name = Field(root, path, "name", JsonValueKind.String).GetString()!;
            if (name.Length == 0) throw Problem(path, "field \"name\" is empty");

            var actionsElement = Field(root, path, "actions", JsonValueKind.Array);
            var actions = new List<string>();
            foreach (var a in actionsElement.EnumerateArray())
            {
                if (a.ValueKind != JsonValueKind.String)
                    throw Problem(path, $"actions[{actions.Count}] must be a string, found {a.ValueKind}");
                actions.Add(a.GetString()!);
            }

            var rows = Field(root, path, "preference", JsonValueKind.Array);
            int n = rows.GetArrayLength();
            if (n != actions.Count)
                throw Problem(path, $"\"preference\" has {n} rows but there are {actions.Count} actions");
            var p = new double[n, n];
            int i = 0;
            foreach (var row in rows.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != n)
                    throw Problem(path, $"preference[{i}] must be an array of {n} numbers");
                int j = 0;
                foreach (var v in row.EnumerateArray())
                {
                    if (v.ValueKind != JsonValueKind.Number)
                        throw Problem(path, $"preference[{i}][{j}] must be a number, found {v.ValueKind}");
                    p[i, j++] = v.GetDouble();
                }
                i++;
            }
            try
            {
                return new MatrixPreferenceModel(name, new PreferenceMatrix(p, actions));
            }
            catch (ArgumentException e)
            {
                throw Problem(path, e.Message, e);
            }
        }
    }

    private static JsonElement Field(JsonElement root, string path, string field, JsonValueKind kind)
    {
        if (!root.TryGetProperty(field, out var v)) throw Problem(path, $"missing field \"{field}\"");
        if (v.ValueKind != kind) throw Problem(path, $"field \"{field}\" must be {kind}, found {v.ValueKind}");
        return v;
    }

    private static DataFormatException Problem(string path, string problem, Exception? inner = null) =>
        new(path, 0, problem, inner);
}

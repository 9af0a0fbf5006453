using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.Preference.Models;

/// <summary>
/// A preference model over a finite action set: completions are action names and
/// P(a ≻ b | x) = P_ab from a <see cref="PreferenceMatrix"/>, whatever the prompt x. It is also what a preference
/// game is: <c>rebel game</c>'s built-in games and game files are matrix preference models, and the REBEL trainer
/// plays one through <c>PreferenceModelJudge</c>.
/// </summary>
/// <remarks>
/// The one file format for a named preference matrix (game files, <c>data/games/*.json</c>):
/// <c>{"name": "rps", "actions": ["rock", "paper", "scissors"], "preference": [[0.5, 0, 1], [1, 0.5, 0], [0, 1, 0.5]]}</c>,
/// with P_ij = P(action i ≻ action j) and P + Pᵀ = 1.
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

    /// <summary>The action names, in the matrix's order.</summary>
    public IReadOnlyList<string> Actions => Matrix.Actions;

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

    /// <summary>Writes the file atomically (temporary file beside it, flushed, then renamed).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
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

    /// <summary>Reads a file in the format above.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">See <see cref="Parse"/>; the message starts with the path.</exception>
    public static MatrixPreferenceModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a file in the format above; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="DataFormatException">The text is not valid JSON (the line is named), a field is missing, empty
    /// or of the wrong type, an action name is blank or repeated, the matrix is ragged or not n × n for n actions, or
    /// it is not a preference matrix (the message says which).</exception>
    public static MatrixPreferenceModel Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(source, (int)(e.LineNumber ?? -1) + 1, $"not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Problem(source, $"expected a JSON object, found {root.ValueKind}");
            string name = Field(root, source, "name", JsonValueKind.String).GetString()!;
            if (string.IsNullOrWhiteSpace(name)) throw Problem(source, "field \"name\" is empty");
            var actions = ReadActions(Field(root, source, "actions", JsonValueKind.Array), source);
            var p = ReadMatrix(Field(root, source, "preference", JsonValueKind.Array), actions.Count, source);
            try
            {
                return new MatrixPreferenceModel(name, new PreferenceMatrix(p, actions));
            }
            catch (ArgumentException e)
            {
                throw Problem(source, $"\"preference\" is not a preference matrix: {e.Message}", e);
            }
        }
    }

    private static List<string> ReadActions(JsonElement array, string source)
    {
        var actions = new List<string>();
        foreach (var a in array.EnumerateArray())
        {
            if (a.ValueKind != JsonValueKind.String)
                throw Problem(source, $"actions[{actions.Count}] must be a string, found {a.ValueKind}");
            if (string.IsNullOrWhiteSpace(a.GetString()))
                throw Problem(source, $"actions[{actions.Count}] is blank");
            actions.Add(a.GetString()!);
        }
        if (actions.Count == 0) throw Problem(source, "field \"actions\" is empty");
        var repeated = actions.GroupBy(a => a, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw Problem(source, $"action \"{repeated.Key}\" appears twice in \"actions\"");
        return actions;
    }

    private static double[,] ReadMatrix(JsonElement rows, int n, string source)
    {
        if (rows.GetArrayLength() != n)
            throw Problem(source, $"\"preference\" has {rows.GetArrayLength()} rows but there are {n} actions");
        var p = new double[n, n];
        int i = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != n)
                throw Problem(source, $"preference[{i}] must be an array of {n} numbers");
            int j = 0;
            foreach (var v in row.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Number)
                    throw Problem(source, $"preference[{i}][{j}] must be a number, found {v.ValueKind}");
                p[i, j++] = v.GetDouble();
            }
            i++;
        }
        return p;
    }

    private static JsonElement Field(JsonElement root, string source, string field, JsonValueKind kind)
    {
        if (!root.TryGetProperty(field, out var v)) throw Problem(source, $"missing field \"{field}\"");
        if (v.ValueKind != kind) throw Problem(source, $"field \"{field}\" must be {kind}, found {v.ValueKind}");
        return v;
    }

    private static DataFormatException Problem(string source, string problem, Exception? inner = null) =>
        new(source, 0, problem, inner);
}

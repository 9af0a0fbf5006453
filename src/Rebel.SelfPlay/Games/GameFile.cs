using System.Text.Json;
using Rebel.Models.Data;
using Rebel.Preference;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// Reads and writes game files: <c>{"name": "...", "actions": ["a0", ...], "preference": [[P_00, P_01, ...], ...]}</c>
/// with P_ij = P(action i ≻ action j), P + Pᵀ = 1.
/// </summary>
public static class GameFile
{
    /// <summary>Loads a game file.</summary>
    /// <exception cref="DataFormatException">The file is not valid JSON (the line is named), a field is missing or
    /// has the wrong type, the matrix is not n × n for n actions, or it is not a preference matrix.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static Game Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Game file not found: {path}", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a game file; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="DataFormatException">See <see cref="Load"/>.</exception>
    public static Game Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(source, (int)(e.LineNumber ?? -1) + 1, $"not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Problem(source, $"expected a JSON object, found {root.ValueKind}");
            var name = RequireProperty(root, "name", JsonValueKind.String, source).GetString()!;
            if (string.IsNullOrWhiteSpace(name)) throw Problem(source, "\"name\" is empty");
            var actions = ReadActions(RequireProperty(root, "actions", JsonValueKind.Array, source), source);
            var matrix = ReadMatrix(RequireProperty(root, "preference", JsonValueKind.Array, source), actions.Length, source);
            try
            {
                return new Game(name, new PreferenceMatrix(matrix, actions));
            }
            catch (ArgumentException e)
            {
                throw new DataFormatException(source, 0, $"\"preference\" is not a preference matrix: {e.Message}", e);
            }
        }
    }

    /// <summary>Writes <paramref name="game"/> as a game file, atomically (temporary file, then rename).</summary>
    public static void Save(Game game, string path)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var n = game.Preference.Count;
        var rows = new double[n][];
        for (var i = 0; i < n; i++)
        {
            rows[i] = new double[n];
            for (var j = 0; j < n; j++) rows[i][j] = game.Preference[i, j];
        }
        var text = JsonSerializer.Serialize(new { name = game.Name, actions = game.Actions, preference = rows });
        AtomicFile.WriteAllText(path, text + "\n");
    }

    private static string[] ReadActions(JsonElement array, string source)
    {
        var actions = new string[array.GetArrayLength()];
        if (actions.Length == 0) throw Problem(source, "\"actions\" is empty");
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                throw Problem(source, $"\"actions\"[{index}] is not a non-empty string");
            actions[index++] = item.GetString()!;
        }
        var repeated = actions.GroupBy(a => a, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw Problem(source, $"action \"{repeated.Key}\" appears twice in \"actions\"");
        return actions;
    }

    private static double[,] ReadMatrix(JsonElement rows, int n, string source)
    {
        if (rows.GetArrayLength() != n)
            throw Problem(source, $"\"preference\" has {rows.GetArrayLength()} rows but there are {n} actions");
        var matrix = new double[n, n];
        var i = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != n)
                throw Problem(source, $"\"preference\"[{i}] must be an array of {n} numbers");
            var j = 0;
            foreach (var cell in row.EnumerateArray())
            {
                if (cell.ValueKind != JsonValueKind.Number)
                    throw Problem(source, $"\"preference\"[{i}][{j}] is {cell.ValueKind}, not a number");
                matrix[i, j++] = cell.GetDouble();
            }
            i++;
        }
        return matrix;
    }

    private static JsonElement RequireProperty(JsonElement root, string name, JsonValueKind kind, string source)
    {
        if (!root.TryGetProperty(name, out var value)) throw Problem(source, $"missing \"{name}\"");
        if (value.ValueKind != kind) throw Problem(source, $"\"{name}\" must be a JSON {kind}, found {value.ValueKind}");
        return value;
    }

    private static DataFormatException Problem(string source, string problem) => new(source, 0, problem);
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Rebel.Models.Data;

/// <summary>
/// Resolves where a dataset is to the files that hold it, in reading order: one file; a folder (its
/// <c>.jsonl</c> and <c>.parquet</c> files); or a glob on the file name (<c>data/train-*.parquet</c>). Files are
/// read in ordinal name order, which is shard order for Hugging Face's <c>train-00000-of-00002.parquet</c> naming.
/// </summary>
/// <remarks>
/// Refused, each with a message naming the path: nothing found; a folder that holds shards of more than one split
/// (<c>train-…</c> and <c>test-…</c>: name one with a glob); a split with a shard missing (<c>-00001-of-00003</c>
/// absent) or with shards of two different totals.
/// </remarks>
public static partial class DatasetFiles
{
    /// <summary>The extensions a folder is searched for.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jsonl", ".parquet"];

    /// <summary>The files of the dataset at <paramref name="location"/>, in reading order.</summary>
    /// <exception cref="FileNotFoundException">Nothing is there, or the glob or folder matches no dataset file.</exception>
    /// <exception cref="DataFormatException">The shards of a split are incomplete, or a folder mixes splits.</exception>
    public static IReadOnlyList<string> Resolve(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (File.Exists(location)) return [location];
        List<string> files;
        if (Directory.Exists(location))
        {
            files = [.. Directory.EnumerateFiles(location).Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))];
            if (files.Count == 0)
                throw new FileNotFoundException($"{location}: the folder holds no {string.Join(" or ", Extensions)} file", location);
        }
        else if (Path.GetFileName(location).IndexOfAny(['*', '?']) >= 0)
        {
            string folder = Path.GetDirectoryName(location) is { Length: > 0 } d ? d : ".";
            if (folder.IndexOfAny(['*', '?']) >= 0)
                throw new FileNotFoundException($"{location}: a glob may only match file names, not folders", location);
            files = Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder, Path.GetFileName(location))] : [];
            if (files.Count == 0) throw new FileNotFoundException($"{location}: matches no file", location);
        }
        else throw new FileNotFoundException($"{location}: file not found", location);

        files.Sort(StringComparer.Ordinal);
        CheckShards(location, files, isFolder: Directory.Exists(location));
        return files;
    }

    /// <summary>Every split named by <c>NAME-00000-of-0000N.EXT</c> files must have all N shards, and a folder only one split.</summary>
    private static void CheckShards(string location, List<string> files, bool isFolder)
    {
        var shards = files.Select(f => (File: f, Match: ShardName().Match(Path.GetFileName(f)))).Where(s => s.Match.Success).ToList();
        var splits = shards.GroupBy(s => s.Match.Groups["split"].Value, StringComparer.Ordinal).ToList();
        if (isFolder && splits.Count > 1)
            throw new DataFormatException(location, 0,
                $"the folder holds more than one split ({string.Join(", ", splits.Select(s => s.Key))}); name one, e.g. {Path.Combine(location, splits[0].Key + "-*" + Path.GetExtension(splits[0].First().File))}");
        foreach (var split in splits)
        {
            var totals = split.Select(s => s.Match.Groups["total"].Value).Distinct().ToList();
            if (totals.Count > 1)
                throw new DataFormatException(location, 0, $"split \"{split.Key}\" has shards of {totals.Count} different totals ({string.Join(", ", totals)})");
            int total = int.Parse(totals[0], CultureInfo.InvariantCulture);
            var have = split.Select(s => int.Parse(s.Match.Groups["index"].Value, CultureInfo.InvariantCulture)).ToHashSet();
            var missing = Enumerable.Range(0, total).Where(i => !have.Contains(i)).ToList();
            if (missing.Count > 0)
                throw new DataFormatException(location, 0,
                    $"split \"{split.Key}\" has {have.Count} of its {total} shards; missing {string.Join(", ", missing.Take(5).Select(i => i.ToString("D5", CultureInfo.InvariantCulture)))}");
            if (have.Any(i => i >= total))
                throw new DataFormatException(location, 0, $"split \"{split.Key}\" has a shard numbered past its total of {total}");
        }
    }

    [GeneratedRegex(@"^(?<split>.+)-(?<index>\d+)-of-(?<total>\d+)\.[^.]+$")]
    private static partial Regex ShardName();
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Rebel.Preference;

namespace Rebel.Judges.Caching;

/// <summary>
/// Persists an inner judge's verdicts in a SQLite file so that a rerun never pays twice and a crash loses no
/// finished verdict. Keys are SHA-256 digests of (judge id, prompt, a, b), so the same file can serve several judges.
/// </summary>
/// <remarks>
/// <para>The database runs in WAL mode. Cache misses are deduplicated and sent to the inner judge in chunks of
/// <see cref="ChunkSize"/>; each chunk's verdicts are committed in their own transaction as soon as they arrive, so a
/// run killed midway keeps every finished chunk, and the next run asks the inner judge only for the rest.</para>
/// <para>Spec: <c>cache(FILE,SPEC)</c>. The cache owns the inner judge. Calls on one instance are serialized; several
/// processes may share a file (SQLite locking, 5 s busy timeout).</para>
/// </remarks>
public sealed class CachingJudge : IPairwiseJudge, IJudgeStatistics
{
    /// <summary>The default number of cache misses sent to the inner judge per call (and committed together): 32.</summary>
    public const int DefaultChunkSize = 32;

    private readonly IPairwiseJudge _inner;
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    /// <summary>Opens (or creates) the cache file <paramref name="path"/> in front of <paramref name="inner"/>.</summary>
    public CachingJudge(IPairwiseJudge inner, string path, int chunkSize = DefaultChunkSize)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (chunkSize < 1) throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "the chunk size must be at least 1");
        ChunkSize = chunkSize;
        Path = System.IO.Path.GetFullPath(path);
        Id = $"cache({path},{inner.Id})";
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        var builder = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        _connection = new SqliteConnection(builder.ToString());
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA synchronous=NORMAL;");
            Execute("PRAGMA busy_timeout=5000;");
            Execute("""
                CREATE TABLE IF NOT EXISTS verdicts (
                    key BLOB PRIMARY KEY,
                    judge TEXT NOT NULL,
                    p REAL NOT NULL,
                    raw TEXT,
                    rationale TEXT
                ) WITHOUT ROWID;
                """);
        }
        catch (SqliteException e)
        {
            _connection.Dispose();
            throw new JudgeException(Id, $"cannot open the cache file {Path}: {e.Message}", e);
        }
    }

    /// <summary>The cache file's full path.</summary>
    public string Path { get; }

    /// <summary>How many cache misses go to the inner judge per call, committed together.</summary>
    public int ChunkSize { get; }

    /// <summary>Comparisons answered from the file so far (by this instance).</summary>
    public long Hits { get; private set; }

    /// <summary>Comparisons sent to the inner judge so far (by this instance).</summary>
    public long Misses { get; private set; }

    /// <inheritdoc/>
    long IJudgeStatistics.CacheHits => Hits;

    /// <summary>The cache is transparent: its id is the inner judge's, in a <c>cache(...)</c> wrapper for display.</summary>
    public string Id { get; }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var verdicts = new Verdict?[comparisons.Count];
            var keys = new byte[comparisons.Count][];
            // Misses, deduplicated: key → the batch positions asking it.
            var pending = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var order = new List<string>();
            for (int i = 0; i < comparisons.Count; i++)
            {
                keys[i] = Key(_inner.Id, comparisons[i]);
                var found = Lookup(keys[i]);
                if (found is not null)
                {
                    verdicts[i] = found;
                    Hits++;
                    continue;
                }
                var hex = Convert.ToHexString(keys[i]);
                if (!pending.TryGetValue(hex, out var positions))
                {
                    pending[hex] = positions = [];
                    order.Add(hex);
                }
                positions.Add(i);
            }

            for (int start = 0; start < order.Count; start += ChunkSize)
            {
                var chunkKeys = order.GetRange(start, Math.Min(ChunkSize, order.Count - start));
                var chunk = chunkKeys.Select(k => comparisons[pending[k][0]]).ToArray();
                IReadOnlyList<Verdict> answers;
                try
                {
                    answers = await _inner.JudgeAsync(chunk, cancellationToken).ConfigureAwait(false);
                }
                catch (JudgeException e) when (e.Index >= 0 && e.Index < chunk.Length)
                {
                    int position = pending[chunkKeys[e.Index]][0];
                    throw new JudgeException(Id, position, comparisons[position], e.Reason, e);
                }
                if (answers.Count != chunk.Length)
                    throw new JudgeException(Id, $"inner judge returned {answers.Count} verdicts for {chunk.Length} comparisons");
                Store(chunkKeys.Select(k => keys[pending[k][0]]).ToArray(), answers);
                Misses += chunk.Length;
                for (int j = 0; j < chunk.Length; j++)
                    foreach (int position in pending[chunkKeys[j]]) verdicts[position] = answers[j];
            }
            return verdicts.Select(v => v!).ToArray();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The cache key: SHA-256 over the UTF-8 of judge id, prompt, a and b (and a conversation's messages as JSON), each
    /// preceded by its byte length, so no two different tuples share an encoding.
    /// </summary>
    internal static byte[] Key(string judgeId, Comparison comparison)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        // a conversation's messages count too (a judge may show them); plain-text keys are unchanged
        string[] parts = comparison.Messages is null
            ? [judgeId, comparison.Prompt, comparison.A, comparison.B]
            : [judgeId, comparison.Prompt, comparison.A, comparison.B, comparison.PromptJson().ToJsonString()];
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
        return hash.GetHashAndReset();
    }

    private Verdict? Lookup(byte[] key)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT p, raw, rationale FROM verdicts WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return new Verdict(reader.GetDouble(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    private void Store(byte[][] keys, IReadOnlyList<Verdict> answers)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR REPLACE INTO verdicts (key, judge, p, raw, rationale) VALUES ($key, $judge, $p, $raw, $rationale);";
        var key = command.Parameters.Add("$key", SqliteType.Blob);
        command.Parameters.AddWithValue("$judge", _inner.Id);
        var p = command.Parameters.Add("$p", SqliteType.Real);
        var raw = command.Parameters.Add("$raw", SqliteType.Text);
        var rationale = command.Parameters.Add("$rationale", SqliteType.Text);
        for (int i = 0; i < keys.Length; i++)
        {
            key.Value = keys[i];
            p.Value = answers[i].P;
            raw.Value = (object?)answers[i].RawAnswer ?? DBNull.Value;
            rationale.Value = (object?)answers[i].Rationale ?? DBNull.Value;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Closes the database and disposes the inner judge.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _connection.Dispose();
        _gate.Dispose();
        _inner.Dispose();
    }
}

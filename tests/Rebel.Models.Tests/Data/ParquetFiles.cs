using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace Rebel.Models.Tests.Data;

/// <summary>Writes small Parquet files for the reader tests, in the layout Hugging Face's hub uses for messages.</summary>
internal static class ParquetFiles
{
    /// <summary>A column of messages: list&lt;struct&lt;content: string, role: string&gt;&gt;.</summary>
    public static ListField Messages(string name) =>
        new(name, new StructField("element", new DataField<string>("content"), new DataField<string>("role")));

    /// <summary>One message as the untyped serializer takes it.</summary>
    public static Dictionary<string, object> Message(string role, string content) => new() { ["content"] = content, ["role"] = role };

    /// <summary>Writes <paramref name="rows"/>, <paramref name="rowGroupSize"/> rows per row group.</summary>
    public static void Write(string path, ParquetSchema schema, IReadOnlyList<IDictionary<string, object?>> rows, int rowGroupSize = int.MaxValue)
    {
        using var stream = File.Create(path);
        ParquetSerializer.SerializeUntypedAsync(rows.ToList(), schema, stream, new ParquetOptions { RowGroupSize = rowGroupSize }).GetAwaiter().GetResult();
    }
}

namespace Pipeline.Grains.Batching;

/// <summary>
/// Record ids are the file's identity key and the byte offset of the record's first line:
/// the same line read twice (a replay after a crash) gets the same id, so stores drop it.
/// </summary>
public static class RecordId
{
    public static string Format(string fileKey, long offset) => string.Create(null, stackalloc char[64], $"{fileKey}-{offset}");
}

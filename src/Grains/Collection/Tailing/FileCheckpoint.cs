namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// Where reading of one file may resume: every line before <see cref="Offset"/> was acknowledged.
/// <see cref="TailHash"/> hashes the bytes just before the offset, so a resume can tell whether the
/// file at this key still holds the same bytes there.
/// </summary>
public sealed record FileCheckpoint(
    string FileKey,
    FileIdentity Identity,
    string Path,
    long Offset,
    ulong TailHash,
    DateTimeOffset UpdatedAt);

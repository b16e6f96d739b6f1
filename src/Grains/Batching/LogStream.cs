namespace Pipeline.Grains.Batching;

/// <summary>The container stream a line was written to.</summary>
public enum LogStream : byte
{
    Stdout = 1,
    Stderr = 2,
}

namespace Pipeline.Tests.Tailing;

/// <summary>One line as a <see cref="RecordingLineSink"/> received it.</summary>
internal sealed record TailedLine(string FileKey, string Path, string Text, long Offset, long NextOffset, bool Truncated);

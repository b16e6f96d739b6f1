namespace Pipeline.Grains.Collection.Tailing;

/// <summary>Receives the lines <see cref="FileTailer.Read"/> finds, in file order.</summary>
public interface ILineSink
{
    /// <summary>
    /// One line, without its '\n'. <paramref name="offset"/> is where it starts in the file,
    /// <paramref name="nextOffset"/> where the next line starts: the offset to commit once this line
    /// and every earlier one were acknowledged. The span is valid only during the call.
    /// <paramref name="truncated"/> marks a line longer than <see cref="TailOptions.MaxLineBytes"/>
    /// cut to that length; <paramref name="nextOffset"/> is still past its real end.
    /// </summary>
    void OnLine(TailedFile file, ReadOnlySpan<byte> line, long offset, long nextOffset, bool truncated);
}

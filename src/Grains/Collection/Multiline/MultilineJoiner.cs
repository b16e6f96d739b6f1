using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;

namespace Pipeline.Grains.Collection.Multiline;

/// <summary>
/// Joins consecutive records of one file into one record per stack trace (or per custom pattern),
/// between a <see cref="ContainerLogDecoder"/> and the sink it would write to. Stdout and stderr
/// are joined independently. A joined record's message is its lines joined with <c>\n</c>; it takes
/// the offset and time of its first line and the flags of all its lines, plus
/// <see cref="LogRecordFlags.Joined"/>. One instance per file; not thread-safe.
/// </summary>
/// <remarks>
/// <para>A record of a stream leaves only after every earlier record of that stream; the other
/// stream's records may pass a record still waiting for lines.</para>
/// <para>A pending record is emitted when a line of its stream does not continue it, when
/// <see cref="MultilineOptions.FlushTimeout"/> has passed since its last line
/// (<see cref="FlushExpired"/>), at <see cref="FlushAll"/>, or once it holds
/// <see cref="MultilineOptions.MaxLines"/> lines or <see cref="MultilineOptions.MaxBytes"/> bytes;
/// a line that would take it past <c>MaxBytes</c> goes to the next record instead. After a limit
/// the rest of the trace keeps joining, into a new record.</para>
/// <para>Lines are expected without their <c>\n</c> (the decoder strips it); one that still has it
/// loses it when joined, so no blank line appears between joined lines.</para>
/// <para>A direct (not <see cref="LogRecordFlags.Joined"/>) record at or before the offset of the
/// previous direct one means the file was truncated in place and is read again: pending records
/// are emitted first, so lines of the old and the new content never join.</para>
/// </remarks>
public sealed class MultilineJoiner : ILogRecordSink
{
    // Lines up to this many UTF-8 bytes are matched from a stack buffer; longer ones from a pooled one.
    private const int StackTextBytes = 512;

    private readonly MultilineRules _rules;
    private readonly ILogRecordSink _inner;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _flushTimeout;
    private readonly int _maxBytes;
    private readonly int _maxLines;
    private readonly MultilineGroup _stdout = new();
    private readonly MultilineGroup _stderr = new();
    private long _lastDirectOffset = long.MinValue;

    /// <summary>A joiner for one file; <paramref name="rules"/> may be shared by the joiners of every file of an input.</summary>
    /// <param name="rules">Built once per input by <see cref="MultilineRules.Create"/>.</param>
    /// <param name="inner">Where records go, joined or not.</param>
    /// <param name="timeProvider">The clock of <see cref="FlushExpired"/>.</param>
    public MultilineJoiner(MultilineRules rules, ILogRecordSink inner, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _rules = rules;
        _inner = inner;
        _timeProvider = timeProvider;
        _flushTimeout = rules.Options.FlushTimeout;
        _maxBytes = rules.Options.MaxBytes;
        _maxLines = rules.Options.MaxLines;
    }

    /// <summary>A joiner for one file, with the rules of <see cref="MultilineRules.For"/>: joiners given the same options instance share them.</summary>
    public MultilineJoiner(MultilineOptions options, ILogRecordSink inner, TimeProvider timeProvider)
        : this(MultilineRules.For(options), inner, timeProvider)
    {
    }

    /// <summary>
    /// Smallest offset of a line held in a pending record, or <see cref="long.MaxValue"/> when
    /// none is. Never commit a file offset past it: a restart would lose the lines.
    /// </summary>
    public long PendingStartOffset => Math.Min(
        _stdout.IsPending ? _stdout.StartOffset : long.MaxValue,
        _stderr.IsPending ? _stderr.StartOffset : long.MaxValue);

    /// <summary>Records emitted with two lines or more.</summary>
    public long JoinedRecords { get; private set; }

    /// <summary>Lines that went into those records.</summary>
    public long JoinedLines { get; private set; }

    /// <summary>Records emitted because they reached <see cref="MultilineOptions.MaxLines"/> or <see cref="MultilineOptions.MaxBytes"/>.</summary>
    public long LimitFlushes { get; private set; }

    /// <summary>Records emitted by <see cref="FlushExpired"/>.</summary>
    public long TimeoutFlushes { get; private set; }

    /// <inheritdoc/>
    public void Append(long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message)
    {
        if ((flags & LogRecordFlags.Joined) == 0)
        {
            if (offset <= _lastDirectOffset)
            {
                FlushAll();
            }

            _lastDirectOffset = offset;
        }

        var group = stream == LogStream.Stderr ? _stderr : _stdout;
        switch (Classify(group.State, message, out var nextState))
        {
            case MultilineLineKind.Continue:
                Continue(group, stream, offset, timeUnixNanos, flags, message, nextState);
                break;
            case MultilineLineKind.Start:
                if (group.IsPending)
                {
                    Emit(group, stream);
                }

                group.State = nextState;
                Continue(group, stream, offset, timeUnixNanos, flags, message, nextState);
                break;
            default:
                if (group.IsPending)
                {
                    Emit(group, stream);
                }

                group.State = MultilineRules.NoGroup;
                _inner.Append(offset, timeUnixNanos, stream, flags, message);
                break;
        }
    }

    /// <summary>Emits the records whose last line came at least <see cref="MultilineOptions.FlushTimeout"/> ago, in file order.</summary>
    public void FlushExpired()
    {
        var stdoutDue = IsExpired(_stdout);
        var stderrDue = IsExpired(_stderr);
        if (stdoutDue && stderrDue)
        {
            EmitInFileOrder(expired: true);
            return;
        }

        if (stdoutDue)
        {
            EndByTimeout(_stdout, LogStream.Stdout);
        }
        else if (stderrDue)
        {
            EndByTimeout(_stderr, LogStream.Stderr);
        }
    }

    /// <summary>Emits every pending record, in file order (end of a rotated or deleted file, shutdown).</summary>
    public void FlushAll() => EmitInFileOrder(expired: false);

    // The stack buffer is written before it is read: zeroing it would cost more than matching a short line.
    [SkipLocalsInit]
    private MultilineLineKind Classify(int state, ReadOnlySpan<byte> message, out int nextState)
    {
        char[]? rented = null;
        Span<char> text = message.Length <= StackTextBytes
            ? stackalloc char[StackTextBytes]
            : (rented = ArrayPool<char>.Shared.Rent(message.Length));
        try
        {
            // UTF-8 never decodes to more UTF-16 units than it has bytes.
            var line = text[..Encoding.UTF8.GetChars(message, text)];
            if (!line.IsEmpty && line[^1] == '\n')
            {
                line = line[..^1];
            }

            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            return _rules.Classify(state, line, out nextState);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private void Continue(MultilineGroup group, LogStream stream, long offset, long timeUnixNanos, LogRecordFlags flags, ReadOnlySpan<byte> message, int nextState)
    {
        if (!message.IsEmpty && message[^1] == '\n')
        {
            message = message[..^1];
        }

        if (group.IsPending && group.Length + 1 + message.Length > _maxBytes)
        {
            LimitFlushes++;
            Emit(group, stream);
        }

        if (group.IsPending)
        {
            group.Add(flags, message, _maxBytes);
        }
        else
        {
            group.Start(offset, timeUnixNanos, flags, message, _maxBytes);
        }

        group.State = nextState;
        group.LastLineTimestamp = _timeProvider.GetTimestamp();
        if (group.Length >= _maxBytes || group.Lines >= _maxLines)
        {
            LimitFlushes++;
            Emit(group, stream);
        }
    }

    private bool IsExpired(MultilineGroup group) =>
        group.State != MultilineRules.NoGroup && _timeProvider.GetElapsedTime(group.LastLineTimestamp) >= _flushTimeout;

    private void EmitInFileOrder(bool expired)
    {
        var stderrFirst = _stderr.IsPending && (!_stdout.IsPending || _stderr.StartOffset < _stdout.StartOffset);
        if (stderrFirst)
        {
            End(_stderr, LogStream.Stderr, expired);
        }

        End(_stdout, LogStream.Stdout, expired);
        End(_stderr, LogStream.Stderr, expired);
    }

    private void End(MultilineGroup group, LogStream stream, bool expired)
    {
        if (expired)
        {
            EndByTimeout(group, stream);
            return;
        }

        if (group.IsPending)
        {
            Emit(group, stream);
        }

        group.State = MultilineRules.NoGroup;
    }

    // A line after the timeout starts afresh even when it would have continued: the record is over.
    private void EndByTimeout(MultilineGroup group, LogStream stream)
    {
        if (group.IsPending)
        {
            TimeoutFlushes++;
            Emit(group, stream);
        }

        group.State = MultilineRules.NoGroup;
    }

    private void Emit(MultilineGroup group, LogStream stream)
    {
        var flags = group.Flags;
        if (group.Lines > 1)
        {
            flags |= LogRecordFlags.Joined;
            JoinedRecords++;
            JoinedLines += group.Lines;
        }

        _inner.Append(group.StartOffset, group.TimeUnixNanos, stream, flags, group.Message);
        group.Clear();
    }
}

using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Logging;

/// <summary>One entry a <see cref="RecordingLogger{T}"/> received.</summary>
internal sealed record LoggedEntry(LogLevel Level, int EventId, string Message, Exception? Exception);

using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Logging;

/// <summary>A logger factory's provider that sends every category to one <see cref="RecordingLogger{T}"/>.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public RecordingLogger<object> Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => Logger;

    public void Dispose()
    {
    }
}

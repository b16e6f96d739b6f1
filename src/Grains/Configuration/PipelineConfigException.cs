namespace Pipeline.Grains.Configuration;

/// <summary>The pipeline file has errors; <see cref="Exception.Message"/> lists each with its key path and line.</summary>
public sealed class PipelineConfigException : Exception
{
    public PipelineConfigException(IReadOnlyList<string> errors)
        : base("The pipeline configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>A string argument (label names and regexes of <c>label_replace</c>), already unescaped.</summary>
public sealed class StringLiteralExpr(string value) : PromQlExpr
{
    public string Value { get; } = value;

    public override PromQlValueType Type => PromQlValueType.String;
}

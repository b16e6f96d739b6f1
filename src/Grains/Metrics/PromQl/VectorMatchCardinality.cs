namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>How the two sides of a vector operation pair up.</summary>
public enum VectorMatchCardinality
{
    OneToOne,
    ManyToOne,
    OneToMany,
    ManyToMany,
}

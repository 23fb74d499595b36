using GraphQL.Types;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type ComputePickleDataVersion.</summary>
internal sealed class DataVersionType : ObjectGraphType<ComputePickleOption>
{
    public DataVersionType()
    {
        Name = "ComputePickleDataVersion";
        Field(option => option.Name);
        Field(option => option.Id);
    }
}

using GraphQL.Types;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The part of Numerai's GraphQL API that numerapi's model upload calls use.</summary>
internal sealed class NumeraiSchema : Schema
{
    public NumeraiSchema(IServiceProvider services, NumeraiQuery query, NumeraiMutation mutation)
        : base(services)
    {
        Query = query;
        Mutation = mutation;
    }
}

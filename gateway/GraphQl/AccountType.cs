using GraphQL.Types;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type Account.</summary>
internal sealed class AccountType : ObjectGraphType<Account>
{
    public AccountType()
    {
        Name = "Account";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ModelType>>>>("models")
            .Description("The caller's own models, newest first.")
            .Resolve(context => context.Source.Models);
    }
}

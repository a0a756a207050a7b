"""Values of the business: enums, marketplaces, money, time, the pydantic order models. No I/O."""

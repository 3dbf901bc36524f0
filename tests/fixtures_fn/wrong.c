/* The wrong signature for a function problem: float, not double. */
float wrong(float x)
{
    return x * 2.0f;
}

/** A move's refusal under its form, announced to screen readers. */
export function RoutingError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="routing-error" role="alert">
      {error}
    </p>
  );
}

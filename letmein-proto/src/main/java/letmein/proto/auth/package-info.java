/**
 * Proof of key possession: keys, the HMAC-SHA3-256 over a message and a challenge nonce
 * ({@code Authenticator}, constant-time comparison), and {@code Messages}, which builds every
 * authenticated message both sides send. Kept apart from the codec so that the only code touching key
 * material is small and easy to review.
 */
package letmein.proto.auth;

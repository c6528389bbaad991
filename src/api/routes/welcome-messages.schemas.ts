import { WelcomeConfigSchema } from '../../domain/welcome';

/**
 * The body of `POST /api/welcome-messages`: a chat's whole welcome and goodbye config, as the
 * domain defines it (defaults filled in, an enabled message without its text refused).
 */
export const SetWelcomeConfigBody = WelcomeConfigSchema;

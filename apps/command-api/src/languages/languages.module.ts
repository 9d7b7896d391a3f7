import { Module } from '@nestjs/common';
import { LanguagesController } from './managing-languages/languages.js';

/** The platform's languages (issue 18). */
@Module({ controllers: [LanguagesController] })
export class LanguagesModule {}
